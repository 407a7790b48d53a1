/** The site's stylesheet, served at a content-hashed URL. Kept small: no framework, no JS. */
export const SITE_CSS = `
:root {
  --text: #1d1d1b;
  --muted: #595959;
  --accent: #005a6e;
  --accent-soft: #e6f1f3;
  --line: #d9d9d6;
  --valid: #1e6b34;
  --expiring: #8a5a00;
  --expired: #a1262d;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.55;
  color: var(--text);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip-link { position: absolute; left: -999px; }
.skip-link:focus { left: 1rem; top: 1rem; background: #fff; padding: 0.5rem 1rem; z-index: 1; }
.site-header, .site-footer { background: var(--accent); color: #fff; }
.site-header a, .site-footer a { color: #fff; }
.site-header .inner, .site-footer .inner, main { max-width: 48rem; margin: 0 auto; padding: 1rem; }
.site-header .inner { display: flex; flex-wrap: wrap; gap: 1rem; align-items: baseline; justify-content: space-between; }
.site-name { font-weight: 700; font-size: 1.2rem; text-decoration: none; }
.site-nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
.site-nav a[aria-current="page"] { font-weight: 700; }
h1, h2, h3, h4 { line-height: 1.25; }
h1 { font-size: 2rem; margin: 1rem 0 0.5rem; }
.lead { font-size: 1.2rem; color: var(--muted); }
.meta { color: var(--muted); font-size: 0.95rem; }
ul ul { list-style-type: "– "; }
blockquote { margin: 1.5rem 0; padding-left: 1rem; border-left: 4px solid var(--accent); }
.pull-quote { margin: 2rem 0; }
.pull-quote blockquote { font-size: 1.4rem; font-style: italic; border: 0; padding: 0; margin: 0; }
.pull-quote figcaption { color: var(--muted); margin-top: 0.5rem; }
.qa { margin: 2rem 0; }
.qa-question { font-size: 1.25rem; }
.fact-sheet, .box { background: var(--accent-soft); padding: 1rem 1.25rem; margin: 2rem 0; border-radius: 4px; }
.fact-sheet h2, .box h2 { margin-top: 0; }
.cards { list-style: none; padding: 0; display: grid; gap: 1rem; }
.card { border-top: 1px solid var(--line); padding-top: 0.75rem; }
.card h2, .card h3 { margin: 0 0 0.25rem; font-size: 1.15rem; }
.card p { margin: 0.25rem 0; }
.status { white-space: nowrap; display: inline-block; font-size: 0.85rem; font-weight: 600; padding: 0 0.5rem; border-radius: 999px; border: 1px solid currentColor; }
.contact-ways a { white-space: nowrap; }
.status-valid { color: var(--valid); }
.status-expiring { color: var(--expiring); }
.status-expired { color: var(--expired); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
.facts div { display: contents; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
img { max-width: 100%; height: auto; }
figure { margin: 1.5rem 0; }
.pagination ul { display: flex; gap: 1rem; list-style: none; padding: 0; }
.filters ul { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; list-style: none; padding: 0; }
.filters a[aria-current="page"] { font-weight: 700; text-decoration: none; }
.chain { padding-left: 1.25rem; }
.chain > li { margin: 0.75rem 0; }
.chain h3 { margin: 0; font-size: 1.05rem; }
.chain p { margin: 0.2rem 0; }
.award-note { font-weight: 600; }
.tags { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; }
.tags li { background: var(--accent-soft); padding: 0 0.5rem; border-radius: 4px; }
.draft-banner { margin: 0; padding: 0.4rem 1rem; background: #fff3c4; border-bottom: 1px solid #e0c868; text-align: center; }
`
