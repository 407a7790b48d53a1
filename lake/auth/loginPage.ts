/**
 * The local login provider's page (Swedish, for editors): choose a role and a display name, and
 * give the login code the lake printed at start (lake/auth/loginCode.ts). Plain HTML, no scripts.
 */
import type {Role} from '../core/types.ts'

export interface LoginPageOptions {
  /** Where the form posts to (the login route's own path). */
  action: string
  /** The validated Studio origin to return to. */
  origin: string
  error?: string
  name?: string
  role?: Role
}

const ROLE_CHOICES: Array<{role: Role; title: string; hint: string}> = [
  {role: 'editor', title: 'Redaktör', hint: 'skapar, redigerar och publicerar innehåll'},
  {role: 'administrator', title: 'Administratör', hint: 'som redaktör, och hanterar dataset'},
  {role: 'viewer', title: 'Läsare', hint: 'kan bara läsa'},
]

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

export function renderLoginPage(options: LoginPageOptions): string {
  const selected = options.role ?? 'editor'
  const roles = ROLE_CHOICES.map(
    ({role, title, hint}) => `
        <label class="role">
          <input type="radio" name="role" value="${role}"${role === selected ? ' checked' : ''}>
          <span><strong>${title}</strong> – ${hint}</span>
        </label>`,
  ).join('')
  const code = `
      <label for="code">Inloggningskod</label>
      <input id="code" name="code" type="password" autocomplete="one-time-code" required>
      <p class="hint">Koden skrivs ut i terminalen där <code>npm start</code> (eller <code>npm run lake</code>) körs.</p>`
  const error = options.error
    ? `\n      <p class="error" role="alert">${escapeHtml(options.error)}</p>`
    : ''
  return `<!doctype html>
<html lang="sv">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Logga in – Stadskärna CMS</title>
  <style>
    body { font-family: system-ui, sans-serif; background: #f3f4f6; color: #111827; margin: 0; }
    main { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px;
           box-shadow: 0 1px 4px rgba(0, 0, 0, .12); }
    h1 { font-size: 1.4rem; margin-top: 0; }
    fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
    legend, label[for] { display: block; font-weight: 600; margin: 1rem 0 .4rem; }
    .role { display: block; margin: .3rem 0; }
    input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem;
           font-size: 1rem; border: 1px solid #9ca3af; border-radius: 4px; }
    button { margin-top: 1.5rem; width: 100%; padding: .7rem; font-size: 1rem; border: 0;
             border-radius: 4px; background: #1d4ed8; color: #fff; cursor: pointer; }
    .hint { font-size: .85rem; color: #4b5563; }
    .error { background: #fee2e2; color: #991b1b; padding: .6rem; border-radius: 4px; }
  </style>
</head>
<body>
  <main>
    <h1>Logga in i Stadskärna CMS</h1>
    <p class="hint">Lokal inloggning mot innehållsdatabasen på den här datorn.</p>${error}
    <form method="post" action="${escapeHtml(options.action)}">
      <input type="hidden" name="origin" value="${escapeHtml(options.origin)}">
      <fieldset>
        <legend>Roll</legend>${roles}
      </fieldset>
      <label for="name">Ditt namn</label>
      <input id="name" name="name" type="text" maxlength="80" autocomplete="name" required value="${escapeHtml(options.name ?? '')}">${code}
      <button type="submit">Logga in</button>
    </form>
  </main>
</body>
</html>
`
}

/** A short Swedish error page (a bad or missing `origin`). */
export function renderLoginErrorPage(message: string): string {
  return `<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>Inloggningen misslyckades</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto;">
  <h1>Inloggningen misslyckades</h1>
  <p>${escapeHtml(message)}</p>
</body>
</html>
`
}
