import { ErrorAlert, Loading } from './Feedback.js';

/** A query's pending and error states: a spinner while loading, the error once it failed, else nothing. */
export function QueryStatus({ query }: { query: { isPending: boolean; isError: boolean; error: unknown } }) {
  return (
    <>
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ErrorAlert error={query.error} /> : null}
    </>
  );
}
