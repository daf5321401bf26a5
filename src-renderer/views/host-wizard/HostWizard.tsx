import { Alert, Button, Group, Loader, Paper, Stack, Stepper, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/ApiProvider.js';
import { errorIssues, errorText } from '../../lib/errors.js';
import { navigate } from '../../lib/route.js';
import type { FieldErrors } from '../../lib/validation.js';
import { inputId, type StepProps } from './host-form.js';
import { ConnectionStep } from './ConnectionStep.js';
import { CredentialsStep } from './CredentialsStep.js';
import { ProtocolStep } from './ProtocolStep.js';
import { ReviewStep } from './ReviewStep.js';
import { RunnersStep } from './RunnersStep.js';
import { TestStep, type TestResult } from './TestStep.js';
import {
  draftOf,
  emptyDraft,
  noStoredSecrets,
  runnerInputOf,
  stepOfField,
  steps,
  toHostInput,
  toHostPatch,
  validateAll,
  validateStep,
  type HostDraft,
  type StoredSecrets,
} from './wizard-model.js';

const stepLabels = {
  protocol: { label: 'Kind', description: 'RDP, EC2 or Azure' },
  connection: { label: 'Connection', description: 'Address and machine' },
  credentials: { label: 'Credentials', description: 'User and cloud identity' },
  runners: { label: 'Runners', description: 'Attached runners' },
  test: { label: 'Test', description: 'Check the connection' },
  save: { label: 'Save', description: 'Review' },
} as const;

/** The host wizard: add a host (or edit one, `editId`) step by step, validated as you go. */
export function HostWizard({ editId }: { editId?: string }) {
  /** Narrower than a tablet: the steps go in a column so the page never scrolls sideways. */
  const narrow = useMediaQuery('(max-width: 48em)') ?? false;
  const api = useApi();
  const editing = editId !== undefined;
  const [stored, setStored] = useState<StoredSecrets>(noStoredSecrets);
  const [loaded, setLoaded] = useState(!editing);
  const [loadError, setLoadError] = useState<string>();
  const [runnerIds, setRunnerIds] = useState<string[]>([]);
  const [attached, setAttached] = useState<string[]>([]);
  const [active, setActive] = useState(0);
  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<TestResult>();
  const [testError, setTestError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [saveProblem, setSaveProblem] = useState<string>();
  /** Set once the host itself is saved, so a retry after a runner failure only attaches runners. */
  const [hostSaved, setHostSaved] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const step = steps[active]!;
  // The form checks a field when it loses focus, with the same rules as "Next" (the API's schemas).
  const form = useForm<HostDraft>({
    initialValues: emptyDraft(),
    validate: (values) => validateStep(step, values, stored, runnerIds),
    validateInputOnBlur: true,
    onValuesChange: () => setTestResult(undefined),
  });
  const draft = form.values;

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const runners = await api.listRunners();
        if (cancelled) return;
        setRunnerIds(runners.map((r) => r.id));
        if (editId) {
          setAttached(runners.filter((r) => r.host === editId).map((r) => r.id));
          const host = (await api.listHosts()).find((h) => h.id === editId);
          if (cancelled) return;
          if (!host) throw new Error(`No host "${editId}"`);
          const { draft: initial, stored: secrets } = draftOf(host);
          form.setValues(initial);
          setStored(secrets);
          setLoaded(true);
        }
      } catch (error) {
        if (!cancelled) setLoadError(errorText(error));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [api, editId]);

  const stepProps: StepProps = { form, editing, stored };

  const goTo = (index: number) => {
    setActive(index);
    form.clearErrors();
    requestAnimationFrame(() => heading.current?.focus());
  };

  const focusFirst = (found: FieldErrors) => {
    const first = Object.keys(found)[0];
    if (first) requestAnimationFrame(() => document.getElementById(inputId(first))?.focus());
  };

  const next = () => {
    const found = validateStep(step, draft, stored, runnerIds);
    if (Object.keys(found).length) {
      form.setErrors(found);
      focusFirst(found);
      return;
    }
    goTo(active + 1);
  };

  const test = async () => {
    setTesting(true);
    setTestError(undefined);
    setTestResult(undefined);
    try {
      setTestResult(
        await api.testHostConnection(editing ? { hostId: draft.id } : { host: toHostInput(draft) }),
      );
    } catch (error) {
      setTestError(errorText(error));
    } finally {
      setTesting(false);
    }
  };

  /** The API refused a field: go back to its step and show the reason there. */
  const showApiIssues = (error: unknown, prefix = '') => {
    const issues = errorIssues(error);
    if (!issues.length) return false;
    const found: FieldErrors = {};
    for (const issue of issues) found[`${prefix}${issue.path}`] ??= issue.message;
    const first = Object.keys(found)[0]!;
    setActive(steps.indexOf(stepOfField(first, draft)));
    form.setErrors(found);
    focusFirst(found);
    return true;
  };

  const save = async () => {
    const found = validateAll(draft, stored, runnerIds);
    if (Object.keys(found).length) {
      const first = Object.keys(found)[0]!;
      setActive(steps.indexOf(stepOfField(first, draft)));
      form.setErrors(found);
      focusFirst(found);
      return;
    }
    setSaving(true);
    setSaveProblem(undefined);
    try {
      if (!hostSaved) {
        try {
          if (editing) await api.editHost(toHostPatch(draft, stored));
          else await api.addHost(toHostInput(draft));
        } catch (error) {
          if (!showApiIssues(error)) setSaveProblem(errorText(error));
          return;
        }
        setHostSaved(true);
      }
      const remaining = [...draft.runners];
      while (remaining.length) {
        const runner = remaining[0]!;
        try {
          await api.attachRunner(runnerInputOf(draft, runner));
        } catch (error) {
          form.setFieldValue('runners', remaining);
          setSaveProblem(
            `The host is saved, but runner "${runner.id}" was not attached: ${errorText(error)}`,
          );
          return;
        }
        remaining.shift();
      }
      navigate('hosts');
    } finally {
      setSaving(false);
    }
  };

  if (loadError)
    return (
      <Alert color="red" title="Cannot open the wizard">
        {loadError}
      </Alert>
    );
  if (!loaded) return <Loader aria-label="Loading host" />;

  const last = active === steps.length - 1;
  return (
    <Stack gap="md">
      <Title order={2}>{editing ? `Edit host ${editId}` : 'Add a host'}</Title>
      <Paper withBorder p="md" radius="md">
        <Stepper
          active={active}
          onStepClick={goTo}
          allowNextStepsSelect={editing}
          size="sm"
          wrap={false}
          orientation={narrow ? 'vertical' : 'horizontal'}
        >
          {steps.map((name) => (
            <Stepper.Step
              key={name}
              label={stepLabels[name].label}
              // On a phone the steps stand in a column: their labels say enough.
              description={narrow ? undefined : stepLabels[name].description}
            />
          ))}
        </Stepper>
        <Stack gap="md" mt="lg" component="section" aria-labelledby="wizard-step-title">
          <Title order={3} size="h4" id="wizard-step-title" ref={heading} tabIndex={-1}>
            {active + 1}. {stepLabels[step].label}
          </Title>
          {step === 'protocol' && <ProtocolStep {...stepProps} />}
          {step === 'connection' && <ConnectionStep {...stepProps} />}
          {step === 'credentials' && <CredentialsStep {...stepProps} />}
          {step === 'runners' && <RunnersStep {...stepProps} attached={attached} />}
          {step === 'test' && (
            <TestStep
              protocol={draft.protocol}
              editing={editing}
              testing={testing}
              result={testResult}
              error={testError}
              onTest={test}
            />
          )}
          {step === 'save' && <ReviewStep draft={draft} stored={stored} problem={saveProblem} />}
          <Group justify="space-between" mt="sm">
            <Group>
              <Button variant="default" component="a" href="#/hosts">
                Cancel
              </Button>
              <Button variant="default" onClick={() => goTo(active - 1)} disabled={active === 0}>
                Back
              </Button>
            </Group>
            {last ? (
              <Button onClick={save} loading={saving}>
                {editing ? 'Save changes' : 'Save host'}
              </Button>
            ) : (
              <Button onClick={next}>{step === 'test' && !testResult ? 'Skip test' : 'Next'}</Button>
            )}
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
