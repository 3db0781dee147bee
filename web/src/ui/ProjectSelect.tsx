import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../lib/trpc.js';

/** The workspace's projects, with a lookup from id to name. */
export function useProjects() {
  const trpc = useTRPC();
  const projects = useQuery(trpc.projects.list.queryOptions({}));
  const list = projects.data ?? [];
  const nameOf = (id: string | null) => (id ? (list.find((p) => p.id === id)?.name ?? 'Unknown project') : null);
  return { list, nameOf, isPending: projects.isPending };
}

interface ProjectSelectProps {
  id: string;
  value: string;
  onChange: (projectId: string) => void;
  /** The label of the empty choice ("All projects", "No project"); none makes a project required. */
  emptyLabel?: string;
  disabled?: boolean;
  className?: string;
}

/** A project picker; the empty value means "all" or "none", as `emptyLabel` says. */
export function ProjectSelect({ id, value, onChange, emptyLabel, disabled, className = 'input' }: ProjectSelectProps) {
  const { list } = useProjects();
  return (
    <select id={id} className={className} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
      {emptyLabel !== undefined ? (
        <option value="">{emptyLabel}</option>
      ) : (
        <option value="" disabled>
          Pick a project…
        </option>
      )}
      {list.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
    </select>
  );
}

type ProjectFilterProps = Pick<ProjectSelectProps, 'id' | 'value' | 'onChange'>;

/** A filter's project picker with a visually hidden "Project" label; "All projects" is the empty choice. */
export function ProjectFilterSelect({ id, value, onChange }: ProjectFilterProps) {
  return (
    <>
      <label htmlFor={id} className="sr-only">
        Project
      </label>
      <ProjectSelect id={id} value={value} onChange={onChange} emptyLabel="All projects" className="input input-auto" />
    </>
  );
}

/** A list page's filter bar with one project picker. */
export function ProjectFilter(props: ProjectFilterProps) {
  return (
    <div className="filters">
      <ProjectFilterSelect {...props} />
    </div>
  );
}
