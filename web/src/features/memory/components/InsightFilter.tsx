import { OptionSelect } from '../../../ui/OptionSelect.js';
import {
  capitalize,
  insightStatuses,
  insightTypes,
  severities,
  typeLabel,
  type InsightStatus,
  type InsightType,
  type Severity,
} from './MemoryLabels.js';

interface InsightFilterValues {
  status: InsightStatus;
  type: InsightType;
  severity: Severity;
}

interface FilterSpec<T extends string> {
  label: string;
  emptyLabel: string;
  options: readonly T[];
  optionLabel: (option: T) => string;
}

const filters: { [K in keyof InsightFilterValues]: FilterSpec<InsightFilterValues[K]> } = {
  status: { label: 'Status', emptyLabel: 'Any status', options: insightStatuses, optionLabel: capitalize },
  type: { label: 'Type', emptyLabel: 'Any type', options: insightTypes, optionLabel: typeLabel },
  severity: { label: 'Severity', emptyLabel: 'Any severity', options: severities, optionLabel: capitalize },
};

interface InsightFilterProps<K extends keyof InsightFilterValues> {
  name: K;
  /** The empty value means "any". */
  value: InsightFilterValues[K] | '';
  onChange: (value: InsightFilterValues[K] | '') => void;
  disabled?: boolean;
}

/**
 * One of the insight filters the insight list and memory search share ("Any status", "Any type", "Any severity").
 * Example: `<InsightFilter name="severity" value={severity} onChange={setSeverity} />`.
 */
export function InsightFilter<K extends keyof InsightFilterValues>({
  name,
  value,
  onChange,
  disabled,
}: InsightFilterProps<K>) {
  const f = filters[name] as FilterSpec<InsightFilterValues[K]>;
  return (
    <OptionSelect
      aria-label={f.label}
      className="input input-auto"
      value={value}
      onChange={onChange}
      emptyLabel={f.emptyLabel}
      options={f.options}
      optionLabel={f.optionLabel}
      disabled={disabled}
    />
  );
}
