/** Reasons offered when declining; the chosen words are what the hub records. */
export const DECLINE_REASONS = [
  'Outside my skills',
  'Language I do not speak',
  'Needs a specialist',
  'Stepping away from my desk',
] as const;

/** Notes an agent often writes when giving a conversation back to the bot. */
export const SUGGESTED_NOTES = [
  'Answered the question; the bot can take it from here.',
  'Identity checked; the bot can finish the self-service flow.',
  'The bot’s last answer was right; the customer agrees.',
  'The customer left the conversation.',
] as const;
