/**
 * Built-in workflow templates: ready-made step chains a user can copy into a workflow ("from template").
 * Prompts use only the variables the templating engine accepts: {{input}}, {{steps.<Name>.content|full}},
 * {{memory}}, {{project.wisdom}}, {{persona.name}} and, inside fan_out steps, {{item}}.
 * Prompt text is kept flush-left so the template literals carry no stray indentation.
 */
import type { WorkflowTemplate } from './schema.js';

// ---------------------------------------------------------------------------------------------------------------
// Security Review
// ---------------------------------------------------------------------------------------------------------------

const securityScan = `You are {{persona.name}}, a senior application security engineer doing a focused, evidence-based security review.

Material under review (code, configuration or an architecture description):
{{input}}

What this project has already learned (may be empty):
{{project.wisdom}}

Review only what the material shows. Look in particular at: authentication and sessions, authorisation and tenant isolation,
input validation and injection, secrets and key handling, cryptography, deserialisation, SSRF and outbound requests,
file and path handling, dependencies and supply chain, sensitive data in logs, error leakage, and insecure config defaults.

## Findings
A numbered entry per issue, each with:
- **Title**: the weakness and where it is (file, function, endpoint, component or config key).
- **Evidence**: quote the exact line(s) or name the exact construct. No evidence, no finding.
- **Reference**: the CWE id and, where it fits, the OWASP Top 10 (2021) category, e.g. "CWE-89 / A03 Injection".
- **Attack scenario**: who can trigger it, with what access, and what they gain.
- **Confidence**: confirmed, likely, or needs verification (and what would confirm it).

## Done well
Controls the material shows are implemented correctly (e.g. parameterised queries, scoped tokens), with evidence.

## Not assessed
What the material does not show that a complete review would need (deployment, IAM, dependency versions, ...).

Do not report generic best practice the material gives no reason to doubt, and do not invent code you were not shown.
If the project's insights already record an issue or an accepted risk, say so instead of reporting it as new.`;

const securityPrioritise = `You are {{persona.name}}, triaging a security review for an engineering team that must decide what to fix first.

Findings from the scan:
{{steps.Scan.full}}

Score every finding as risk = exploitability x impact, each rated 1-5:
- Exploitability: 5 = remote, unauthenticated, trivial payload; 1 = needs an insider, local access or a chain of unlikely conditions.
- Impact: 5 = cross-tenant data exposure, remote code execution or account takeover; 1 = minor information disclosure.
Lower the score of a finding marked "needs verification" and say that you did.

Group the findings under these headings, highest risk first within each group:
## Fix now
Risk 15 or more, or anything exploitable from the internet without authentication.
## Next
Risk 8-14: schedule within the next iteration.
## Later
Risk 7 or less: hardening and defence in depth.

For each finding give: the title, "exploitability x impact = score" with one sentence of reasoning, the concrete fix,
and effort (S = under half a day, M = one to three days, L = more than three days).
Point out where one fix closes several findings, and where a cheap interim mitigation (config flag, WAF rule, feature toggle)
buys time for a larger fix.
Add no new findings. If a finding looks like a false positive, move it to a final "## Discarded" section with the reason.`;

const securityFindings = `Extract the security findings from this prioritised review as insights the team will track until they are fixed.

Prioritised review:
{{steps.Prioritise.full}}

Original scan (for evidence and the "Done well" section):
{{steps.Scan.content}}

Produce one finding per triaged issue; skip everything under "Discarded". For each:
- title: short and specific, the weakness and where it is, e.g. "SQL injection in report export filter".
- detail: the evidence and the attack scenario, with the CWE/OWASP reference and the risk score.
- suggestion: the concrete fix and its effort; mention the interim mitigation if the review gave one.
- category: security for vulnerabilities; compliance, devops or cloud only when the issue is really about those.
- type: pain_point for a vulnerability; decision for a risk the review or project explicitly accepts;
  strength for a control listed under "Done well" (at most three, the most important).
- severity: blocker for "Fix now" issues exploitable remotely without authentication; high for the rest of "Fix now";
  medium for "Next"; low for "Later" and for strengths.
Do not merge unrelated issues into one finding and do not add anything the review does not contain.`;

const securitySummary = `You are {{persona.name}}, writing for a non-specialist reader: a product owner or manager who sets priorities.

Prioritised security review:
{{steps.Prioritise.content}}

Original scan, including what is done well and what was not assessed:
{{steps.Scan.content}}

Write a one-page executive summary in plain language; explain any technical term in a few words the first time it appears.
## Risk posture
One short paragraph: an overall rating (critical, high, moderate or low) and the one or two reasons behind it.
## Top 3 actions
Numbered. For each: what to do, why it matters in business terms (data loss, downtime, customer trust, compliance), effort (S/M/L).
## What is good
Two to four concrete things the system already does right, so they are kept when things change.
## Limits of this review
One or two sentences on what was not assessed and whether a deeper review or a penetration test is warranted.

No CWE numbers, no code, about 350 words at most. Do not overstate: if nothing is critical, say so plainly.`;

// ---------------------------------------------------------------------------------------------------------------
// Deep Project Analysis
// ---------------------------------------------------------------------------------------------------------------

const deepOverview = `You are {{persona.name}}, a principal engineer getting to know a project before reviewing it in depth.

Project notes, README or description provided by the user:
{{input}}

Approved project insights (may be empty):
{{project.wisdom}}

Insights linked to this analysis (may be empty):
{{memory}}

Write a factual overview that later, in-depth steps will build on:
## Purpose
What the project does, for whom, and the problem it solves.
## Architecture
Main components, how they communicate, data stores, external services, deployment model.
## Technology
Languages, frameworks, key libraries and infrastructure, as stated in the material.
## Current state
Maturity; what is done, in progress or planned; known issues and decisions already recorded in the insights.
## Open questions
What the material leaves unclear that matters for judging quality or risk.

Stick to what the material says; mark inferences with "(inferred)" and never fill gaps with plausible-sounding detail.
Be dense: bullet points, no marketing language, about 600 words at most.`;

const deepAreas = `Choose the areas of this project that most deserve an in-depth review.

Project overview:
{{steps.Overview.content}}

Pick 3 to 6 areas. Prefer those where the overview shows risk, open questions, recent change or high business importance.
Areas must be concrete and must not overlap. Typical ones: architecture, testing, security, data model, deployment,
performance, observability, dependency health, developer experience, documentation.
Use a more specific name when the overview supports it (e.g. "multi-tenant data isolation" rather than "security").
Do not pick an area the material says nothing about.

Output ONLY a JSON array of short area names (1-4 words each), most important first, with no text, heading or code fence
before or after it. Example of the format: ["architecture", "testing", "deployment"]`;

const deepAreaReview = `You are {{persona.name}}, reviewing one area of a project in depth: {{item}}.

Project overview:
{{steps.Overview.content}}

Approved project insights (may be empty):
{{project.wisdom}}

Original material from the user:
{{input}}

Analyse only the area "{{item}}", using the material above as your evidence. Structure:
### {{item}}
**Current state**: how the project handles this area today, citing the notes or insights that show it.
**Strengths**: what works well and should be kept.
**Risks and gaps**: each with its evidence, the likely consequence and its likelihood (high/medium/low).
**Recommendations**: up to 5, each concrete and actionable, with effort (S/M/L) and the risk it addresses.
**Unknowns**: what you could not judge from the material, and how to find out.

Stay within this area; mention other areas only where they directly interact with it.
Do not invent files, metrics or incidents: if the material does not support a claim, list it under Unknowns instead.`;

const deepSynthesis = `You are {{persona.name}}, combining several area reviews into one assessment for the project's maintainers.

Project overview:
{{steps.Overview.content}}

Area reviews:
{{steps.AreaReview.full}}

Write the synthesis:
## Summary
Three to five sentences: the overall health of the project and the single most important thing to do next.
## Strengths
The strengths that matter most, with the areas they show up in.
## Risks
Ranked by likelihood x consequence. Merge duplicates raised in several areas and name cross-cutting root causes.
## Recommendations
A prioritised list of at most 8: action, rationale, effort (S/M/L), and which risks it addresses.
Order by value for effort and mark quick wins (high value, effort S).
## Open questions
The unknowns that most limit confidence in this assessment.

Resolve contradictions between the area reviews explicitly instead of repeating both sides.
Add nothing the area reviews do not support.`;

const deepInsights = `Extract the durable insights from this project analysis: what is worth remembering when someone next works on it.

Synthesis:
{{steps.Synthesis.full}}

For each finding:
- title: short and specific, naming the component or practice it is about.
- detail: what was observed and the evidence behind it (which area or note supports it).
- suggestion: the concrete next action; for a strength, what to keep doing or extend.
- category: the closest one (architecture, testing, security, devops, documentation, ...).
- type: pain_point for a risk or gap; strength for something done well; solution for a recommended fix;
  pattern for a recurring practice or root cause seen across areas; decision for a choice the project has made or must make.
- severity: blocker only if it stops the project from working or shipping safely; high for the top-ranked risks and
  recommendations; medium or low otherwise.
Prefer 5-12 well-supported findings over many thin ones. Skip open questions and anything not grounded in the synthesis.`;

// ---------------------------------------------------------------------------------------------------------------
// Integration Analysis
// ---------------------------------------------------------------------------------------------------------------

const integrationInventory = `You are {{persona.name}}, a solutions architect looking for synergies across several projects.

Projects (names and notes, as provided):
{{input}}

Approved insights from the current project (may be empty):
{{project.wisdom}}

Linked insights (may be empty):
{{memory}}

Build a factual inventory with one section per project, using the same structure for each so they can be compared:
## <project name>
- **Purpose and users**: one or two lines.
- **Capabilities**: what it does, as concrete functions (e.g. "sends transactional email", "extracts text from invoices").
- **Data**: the main entities it owns or consumes, where they are stored, and their sensitivity (personal, financial, public).
- **Interfaces**: APIs, events, files, UIs or CLIs it exposes or consumes, with protocol and authentication where known.
- **Technology and hosting**: stack, runtime, deployment, and owning team if stated.
- **Constraints**: licensing, compliance, performance or organisational limits mentioned.

Write "not stated" rather than guessing.
End with "## Gaps": missing information that could change the integration picture, per project.`;

const integrationSynergies = `You are {{persona.name}}, comparing the inventoried projects to find where they should work together.

Inventory:
{{steps.Inventory.full}}

Identify the following, each naming the projects involved and citing the inventory as evidence:
## Overlaps and duplicated effort
Capabilities or data built more than once; which implementation is stronger and why.
## Shared components
Pieces that could become one shared library, service or dataset (auth, notifications, data models, UI kits, pipelines).
## Integration points
Where one project's output is another's input: the interface, the direction of data flow and the format needed.
## Conflicts
Incompatible data models, identifiers, auth schemes, stacks or licences that integration would have to resolve.
## Not worth integrating
Apparent overlaps where the cost or coupling outweighs the benefit, with the reason.

Rate each synergy for value and difficulty (high/medium/low) and state the value concretely
(less code to maintain, one source of truth, a new user-facing feature, lower running cost).
Do not propose integration for its own sake: coupling independent projects is a cost, so say where it is not worth it.`;

const integrationPlan = `You are {{persona.name}}, turning a synergy analysis into an integration plan teams can carry out step by step.

Synergies:
{{steps.Synergies.full}}

Inventory (for reference):
{{steps.Inventory.content}}

Write the plan:
## Quick wins
High-value, low-difficulty items that can start now without cross-team dependencies, each with its first concrete step.
## Phase 1: foundations
What later phases depend on, e.g. shared identifiers, API contracts, authentication between projects.
## Phase 2 and later
The larger consolidations and integrations, in dependency order.
For every item: goal, projects involved, concrete deliverable, effort (S/M/L), dependencies, and how success is measured.
## Risks
Technical, data and organisational risks (migration, downtime, ownership, coupling, security of new interfaces),
each with a mitigation.
## Decisions needed
Choices someone must make before work starts, with the options and your recommendation.

Each phase must be valuable on its own: stopping after any phase leaves the projects better off, never half-migrated.
Prefer contracts and adapters over big-bang merges, and flag anything irreversible.`;

const integrationInsights = `Extract the insights from this integration analysis that the teams should keep and act on.

Integration plan:
{{steps.Plan.full}}

Synergies found:
{{steps.Synergies.content}}

Focus on these types:
- pattern: a recurring overlap, shared need or duplicated effort across projects (name the projects).
- solution: an integration or shared component worth building, with the deliverable and its first step.
- decision: a choice the plan makes or requires (e.g. which implementation becomes the shared one), with the options weighed.
- pain_point: a conflict or risk that blocks or endangers the integration.
For each finding: a short, specific title; the detail with evidence from the analysis and the projects involved;
a concrete suggestion; the closest category (usually architecture, backend, data-engineering or devops);
and a severity reflecting how much value is lost or risk incurred if it is ignored (blocker only if it stops the plan).
Skip generic advice and anything the analysis does not support; 5-12 findings is usually right.`;

// ---------------------------------------------------------------------------------------------------------------

export const builtInTemplates: readonly WorkflowTemplate[] = [
  {
    id: 'security-review',
    name: 'Security Review',
    summary:
      'Scans code, configuration or an architecture description for vulnerabilities with evidence and CWE/OWASP references, ' +
      'ranks them by exploitability and impact, records them as insights and ends with an executive summary.',
    inputHint:
      'Paste the code, configuration or architecture description to review (include file names where you can).',
    steps: [
      { name: 'Scan', type: 'llm', prompt: securityScan, requiredCategories: ['security'], analyzeMaterial: true },
      { name: 'Prioritise', type: 'llm', prompt: securityPrioritise, requiredCategories: ['security'] },
      { name: 'Findings', type: 'review', prompt: securityFindings, requiredCategories: ['security'] },
      { name: 'Summary', type: 'llm', prompt: securitySummary, requiredCategories: ['security'] },
    ],
  },
  {
    id: 'deep-project-analysis',
    name: 'Deep Project Analysis',
    summary:
      'Builds an overview of a project from its notes and memory, picks the areas that matter most, reviews each in ' +
      'parallel, and synthesises strengths, risks and recommendations into insights.',
    inputHint:
      "Paste the project's README, notes or a description: goals, architecture, stack, current state, known issues.",
    steps: [
      { name: 'Overview', type: 'llm', prompt: deepOverview, requiredCategories: ['architecture'] },
      { name: 'Areas', type: 'llm', prompt: deepAreas, requiredCategories: ['architecture'], digest: false },
      { name: 'AreaReview', type: 'fan_out', prompt: deepAreaReview, fanOutSource: 'Areas', concurrency: 3 },
      { name: 'Synthesis', type: 'llm', prompt: deepSynthesis, requiredCategories: ['architecture'] },
      { name: 'Insights', type: 'review', prompt: deepInsights },
    ],
  },
  {
    id: 'integration-analysis',
    name: 'Integration Analysis',
    summary:
      'Inventories several projects, finds overlaps, shared components and integration points, and proposes a phased ' +
      'integration plan with quick wins and risks.',
    inputHint: 'Describe each project: its name, then notes on what it does, its data, interfaces, stack and team.',
    steps: [
      { name: 'Inventory', type: 'llm', prompt: integrationInventory, requiredCategories: ['architecture'] },
      { name: 'Synergies', type: 'llm', prompt: integrationSynergies, requiredCategories: ['architecture'] },
      { name: 'Plan', type: 'llm', prompt: integrationPlan, requiredCategories: ['architecture'] },
      { name: 'Insights', type: 'review', prompt: integrationInsights, requiredCategories: ['architecture'] },
    ],
  },
];

/** The built-in template with this id, if any. */
export function findTemplate(id: string): WorkflowTemplate | undefined {
  return builtInTemplates.find((t) => t.id === id);
}
