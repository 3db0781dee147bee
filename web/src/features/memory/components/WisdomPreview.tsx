import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../../lib/trpc.js';
import { Markdown } from '../../../ui/Markdown.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

const BUDGET = 2000;

/** A project's `{{project.wisdom}}`: its approved insights as workflows will see them. */
export function WisdomPreview({ projectId, projectName }: { projectId: string; projectName: string | null }) {
  const trpc = useTRPC();
  const wisdom = useQuery(trpc.memory.wisdom.queryOptions({ projectId, budgetChars: BUDGET }));
  return (
    <section className="card side-card" data-testid="wisdom-preview">
      <div>
        <h2>Wisdom preview</h2>
        <p className="muted small">
          What workflows get as <code>{'{{project.wisdom}}'}</code> for {projectName ?? 'this project'}: approved
          insights, most severe first, within {BUDGET.toLocaleString()} characters.
        </p>
      </div>
      <QueryStatus query={wisdom} />
      {wisdom.data ? (
        <>
          <p className="small" data-testid="wisdom-count">
            {wisdom.data.included} of {wisdom.data.available} approved insight{wisdom.data.available === 1 ? '' : 's'}{' '}
            fit
          </p>
          {wisdom.data.markdown ? (
            <Markdown source={wisdom.data.markdown} testId="wisdom-markdown" />
          ) : (
            <p className="muted small">Nothing yet: approve insights to build this project's wisdom.</p>
          )}
        </>
      ) : null}
    </section>
  );
}
