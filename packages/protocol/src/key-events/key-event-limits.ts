// Limits and defaults of docs/spec/key-events.md section 4.1.

/** Default recovery window: 72 hours, in seconds (DESIGN section 9). */
export const DEFAULT_RECOVERY_WINDOW_SECONDS = 72 * 3600;
/** Longest recovery window an owner certificate may set: 30 days, in seconds. */
export const MAX_RECOVERY_WINDOW_SECONDS = 30 * 24 * 3600;
/** Most owner recovery keys one certificate may rank. */
export const MAX_RECOVERY_KEYS = 8;
/** Most guardians one certificate may name. */
export const MAX_GUARDIANS = 16;
/** Most events in one key event log, inception included. */
export const MAX_KEY_EVENTS = 1000;
/** Largest key event or guardian approval accepted, in bytes of its compact form. */
export const MAX_KEY_EVENT_BYTES = 16_384;
/** Largest owner certificate accepted, in bytes of its compact form. */
export const MAX_OWNER_CERT_BYTES = 8192;
