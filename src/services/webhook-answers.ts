// The three answers a webhook gives once the delivery is authentic (CONTRACT §5).
export type WebhookAnswer =
  | { ok: true; duplicate: false }
  | { ok: true; duplicate: true }
  | { ok: true; ignored: true };

export const recorded: WebhookAnswer = { ok: true, duplicate: false };
export const duplicate: WebhookAnswer = { ok: true, duplicate: true };
export const ignored: WebhookAnswer = { ok: true, ignored: true };
