import { z } from 'zod';
import { scopes } from '../../platform/access/scopes.js';

export const zEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid email address' }));
export const zPassword = z
  .string()
  .min(10, { message: 'Use at least 10 characters' })
  .max(256, { message: 'Use at most 256 characters' });

export const zSignUp = z.object({
  email: zEmail,
  name: z.string().trim().min(1, { message: 'Enter your name' }).max(120),
  password: zPassword,
  /** One-time link printed at the very first start. */
  setupToken: z.string().max(200).optional(),
  /** Invitation link token: signs up and joins that workspace in one step. */
  inviteToken: z.string().max(200).optional(),
});
export type SignUpInput = z.infer<typeof zSignUp>;

export const zSignIn = z.object({
  email: zEmail,
  password: z.string().min(1, { message: 'Enter your password' }).max(256),
});
export type SignInInput = z.infer<typeof zSignIn>;

export const zCreateToken = z.object({
  name: z.string().trim().min(1, { message: 'Name the token' }).max(100),
  scopes: z.array(z.enum(scopes)).min(1, { message: 'Pick at least one scope' }).max(scopes.length),
  projectId: z.uuid().optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenInput = z.infer<typeof zCreateToken>;

export interface UserView {
  id: string;
  email: string;
  name: string;
  isInstanceAdmin: boolean;
}
