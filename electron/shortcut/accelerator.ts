// Electron's accelerator grammar, so a shortcut typed into the settings file is checked before
// it reaches globalShortcut.register (which throws on a malformed one).
const MODIFIERS = new Set(['command', 'cmd', 'control', 'ctrl', 'commandorcontrol', 'cmdorctrl', 'alt', 'option', 'altgr', 'shift', 'super', 'meta']);
const KEY =
  /^(?:[a-z0-9]|f(?:[1-9]|1[0-9]|2[0-4])|plus|space|tab|capslock|numlock|scrolllock|backspace|delete|insert|return|enter|up|down|left|right|home|end|pageup|pagedown|escape|esc|printscreen|num[0-9]|numdec|numadd|numsub|nummult|numdiv|[)!@#$%^&*(:;:+=<,_\-.>?/~`{\][|\\}"'])$/i;

/** Whether `text` is an accelerator with at least one modifier and exactly one key, e.g. `CommandOrControl+Alt+B`. */
export function isGlobalAccelerator(text: string): boolean {
  if (text.length === 0 || text.length > 100) return false;
  // "Plus" names the + key, so a literal "+" only ever separates parts.
  const parts = text.split('+');
  const key = parts.pop()!;
  if (parts.length === 0 || !KEY.test(key)) return false;
  const seen = new Set<string>();
  for (const part of parts) {
    const modifier = part.toLowerCase();
    if (!MODIFIERS.has(modifier) || seen.has(modifier)) return false;
    seen.add(modifier);
  }
  return true;
}
