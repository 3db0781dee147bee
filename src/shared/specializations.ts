/**
 * The specialization domains personas and workflow steps are matched on, with their labels.
 * Browser-safe: this module imports nothing (the extractor and its lexicon stay on the server).
 */

/** Canonical order: also the tie-breaker when two domains score the same. */
export const specializationCategories = [
  'security',
  'frontend',
  'backend',
  'database',
  'devops',
  'cloud',
  'data-engineering',
  'machine-learning',
  'mobile',
  'testing',
  'performance',
  'architecture',
  'ux-design',
  'documentation',
  'compliance',
] as const;

export type SpecializationId = (typeof specializationCategories)[number];

export const specializationLabels: Record<SpecializationId, string> = {
  security: 'Security',
  frontend: 'Frontend',
  backend: 'Backend',
  database: 'Databases',
  devops: 'DevOps',
  cloud: 'Cloud',
  'data-engineering': 'Data engineering',
  'machine-learning': 'Machine learning',
  mobile: 'Mobile',
  testing: 'Testing & QA',
  performance: 'Performance',
  architecture: 'Architecture',
  'ux-design': 'UX design',
  documentation: 'Documentation',
  compliance: 'Compliance',
};
