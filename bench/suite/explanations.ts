/**
 * What the profiles say about figures that miss their budget, and the before/after record of
 * the fixes made, as RESULTS.md prints them. Figures here were measured with the commands
 * quoted; the tables above them in RESULTS.md are measured afresh by every run.
 */

/** What bounds the audit append rate (see bench/audit-append.ts and the profile quoted). */
export const AUDIT_APPEND_BOUND = "PENDING";

/** Before and after the audit append fixes. */
export const AUDIT_APPEND_HISTORY = "## Audit append: before and after\n\nPENDING";

/** Figures the issue asks for that no benchmark measures yet. */
export const NOT_MEASURED = "## Not measured yet\n\nPENDING";
