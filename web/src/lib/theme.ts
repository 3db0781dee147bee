import { useCallback, useState } from 'react';
import { getThemeChoice, setThemeChoice, type ThemeChoice } from './storage.js';

/**
 * Puts a theme on the page: `html[data-theme]` pins the stylesheet's color-scheme; without it
 * the system's prefers-color-scheme decides (styles.css uses light-dark() for every colour).
 * Called from main.tsx before the first render, so a remembered choice shows no flash.
 */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** The remembered theme and a setter that applies and remembers a new one. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [theme, setTheme] = useState(getThemeChoice);
  const choose = useCallback((choice: ThemeChoice) => {
    setThemeChoice(choice);
    applyTheme(choice);
    setTheme(choice);
  }, []);
  return [theme, choose];
}
