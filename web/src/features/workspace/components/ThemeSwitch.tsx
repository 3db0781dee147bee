import { useTheme } from '../../../lib/theme.js';
import type { ThemeChoice } from '../../../lib/storage.js';

const choices: readonly { value: ThemeChoice; label: string }[] = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'system', label: 'System' },
];

/** Light / dark / system, for the user menu; the choice is remembered in this browser. */
export function ThemeSwitch() {
  const [theme, setTheme] = useTheme();
  return (
    <div className="theme-switch" role="group" aria-labelledby="theme-heading" data-testid="theme-switch">
      <p className="menu-heading" id="theme-heading">
        Theme
      </p>
      <div className="theme-choices">
        {choices.map((c) => (
          <button
            key={c.value}
            type="button"
            className={`theme-choice${c.value === theme ? ' current' : ''}`}
            aria-pressed={c.value === theme}
            onClick={() => setTheme(c.value)}
          >
            {c.label}
          </button>
        ))}
      </div>
    </div>
  );
}
