import { useEffect, useRef, type ReactNode } from 'react';

/** A dropdown built on <details>: keyboard accessible, closes on outside click or on choosing an item. */
export function Menu({
  label,
  children,
  testId,
  align = 'left',
}: {
  label: ReactNode;
  children: ReactNode;
  testId?: string;
  align?: 'left' | 'right';
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      const el = ref.current;
      if (el?.open && !el.contains(e.target as Node)) el.open = false;
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, []);
  return (
    <details className={`menu menu-${align}`} ref={ref} data-testid={testId}>
      <summary className="menu-button">{label}</summary>
      <div
        className="menu-list"
        onClick={(e) => {
          if ((e.target as HTMLElement).closest('a,button') && ref.current) ref.current.open = false;
        }}
      >
        {children}
      </div>
    </details>
  );
}
