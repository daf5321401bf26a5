import { NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { SettingsReply } from '../../../src-main/api/config-schemas.js';
import { policySchema, type KeepWarmWindow } from '../../../src-main/config/schema.js';
import { errorsOf, type FieldErrors } from '../../lib/validation.js';
import { KeepWarmEditor } from './KeepWarmEditor.js';
import { MonthlyBudgetEditor } from './MonthlyBudgetEditor.js';
import {
  numericPolicies,
  optionalPolicies,
  policyDefaults,
  strategyChoices,
  type NumericPolicy,
  type OptionalPolicy,
} from './policy-fields.js';
import { SectionFooter } from './SectionFooter.js';
import { useSectionSave } from './use-section-save.js';

/** When hosts go on and off: every number with its default and what it does. */
export function PolicyPanel(props: {
  settings: SettingsReply;
  hostIds: string[];
  onSaved(s: SettingsReply): void;
}) {
  const [policy, setPolicy] = useState(props.settings.policy);
  const [errors, setErrors] = useState<FieldErrors>({});
  const { save, saving, problem, saved, apiErrors } = useSectionSave(props.onSaved);

  const submit = () => {
    const result = policySchema.safeParse(policy);
    const found = result.success
      ? {}
      : Object.fromEntries(Object.entries(errorsOf(result.error)).map(([k, v]) => [`policy.${k}`, v]));
    setErrors(found);
    if (Object.keys(found).length) return;
    // Absent means "no budget" or "worked out per host": the patch says so with null (an absent key
    // would keep the old one).
    void save({
      policy: {
        ...policy,
        monthlyBudget: policy.monthlyBudget ?? null,
        idleGraceMinutes: policy.idleGraceMinutes ?? null,
        minUptimeMinutes: policy.minUptimeMinutes ?? null,
      },
    });
  };
  const error = (key: string) => errors[`policy.${key}`] ?? apiErrors[`policy.${key}`];
  const strategy = strategyChoices.find((choice) => choice.value === policy.strategy) ?? strategyChoices[1];
  const setOptional = (key: OptionalPolicy, value: string | number) => {
    const { [key]: _previous, ...rest } = policy;
    setPolicy(value === '' ? rest : { ...rest, [key]: Number(value) });
  };

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="policy-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="policy-title">
          Policies
        </Title>
        <Select
          label="Strategy"
          description={strategy.help}
          data={strategyChoices.map(({ value, label }) => ({ value, label }))}
          value={policy.strategy}
          allowDeselect={false}
          onChange={(value) =>
            value && setPolicy({ ...policy, strategy: value as (typeof strategyChoices)[number]['value'] })
          }
          error={error('strategy')}
        />
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {optionalPolicies.map((field) => (
            <NumberInput
              key={field.key}
              label={field.label}
              description={field.help}
              placeholder="worked out per host"
              min={0}
              value={policy[field.key] ?? ''}
              onChange={(value) => setOptional(field.key, value)}
              error={error(field.key)}
            />
          ))}
          {numericPolicies.map((field) => (
            <NumberInput
              key={field.key}
              label={field.label}
              description={`${field.help} Default ${policyDefaults[field.key]}.`}
              min={0}
              value={policy[field.key]}
              onChange={(value) => setPolicy({ ...policy, [field.key as NumericPolicy]: Number(value) })}
              error={error(field.key)}
            />
          ))}
        </SimpleGrid>
        <Switch
          label="Start hosts ahead of scheduled and expected work"
          description={`Starts a host before a scheduled run, a future task, or work that has come at that time before (an hourly or nightly job), by the host's learned boot time. Default ${policyDefaults.prewarm ? 'on' : 'off'}.`}
          checked={policy.prewarm}
          onChange={(e) => setPolicy({ ...policy, prewarm: e.currentTarget.checked })}
        />
        <Text size="xs" c="dimmed">
          Whatever these say, a host with a running task is never stopped, and nothing is started or stopped
          while the orchestrator cannot be read.
        </Text>
        <MonthlyBudgetEditor
          budget={policy.monthlyBudget}
          currency={props.settings.history.currency}
          error={error}
          onChange={(monthlyBudget) => {
            const { monthlyBudget: _previous, ...rest } = policy;
            setPolicy(monthlyBudget ? { ...rest, monthlyBudget } : rest);
          }}
        />
        <KeepWarmEditor
          windows={policy.keepWarm}
          hostIds={props.hostIds}
          errors={{ ...apiErrors, ...errors }}
          onChange={(keepWarm: KeepWarmWindow[]) => setPolicy({ ...policy, keepWarm })}
        />
        <SectionFooter
          saving={saving}
          saved={saved}
          problem={problem}
          onSave={submit}
          label="Save policies"
        />
      </Stack>
    </Paper>
  );
}
