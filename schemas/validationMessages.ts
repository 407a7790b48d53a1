/** Validation messages used by more than one document type, so editors see the same wording. */
export const MESSAGES = {
  emailFormat: 'Ange en giltig e-postadress, t.ex. namn@exempel.se.',
  urlFormat: 'Ange en fullständig webbadress som börjar med https:// eller http://.',
  phoneFormat: 'Ange telefonnumret med siffror, t.ex. 08-123 45 67 eller +46 70 123 45 67.',
  slugRequired: 'Skapa en URL-del, t.ex. med knappen Generera.',
} as const
