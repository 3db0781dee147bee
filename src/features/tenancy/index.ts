/** The tenancy feature's public surface (workspaces, members, invitations): other features, src/app/ and src/cli/ import from here only. */
export { invitationsRouter, membersRouter, workspacesRouter } from './router.js';
export { acceptInvitationInTx } from './invitations.js';
export { listWorkspaces } from './service.js';
