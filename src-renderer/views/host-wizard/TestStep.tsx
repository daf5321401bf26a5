import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { OperationOutput } from '../../../src-main/api/contract.js';
import type { Protocol } from './wizard-model.js';

export type TestResult = OperationOutput<'testHostConnection'>;
type Check = TestResult['rdp'];

function CheckAlert({ title, check, testId }: { title: string; check: Check; testId: string }) {
  const color = check.skipped ? 'gray' : check.ok ? 'green' : 'red';
  const verdict = check.skipped ? 'not needed' : check.ok ? 'passed' : 'failed';
  return (
    <Alert
      color={color}
      title={`${title}: ${verdict}`}
      data-testid={testId}
      role={check.ok ? 'status' : 'alert'}
    >
      {check.error && <Text size="sm">{check.error}</Text>}
      {check.detail && (
        <Text size="sm" c="dimmed">
          {check.detail}
        </Text>
      )}
    </Alert>
  );
}

/** Logs on over RDP and checks the cloud credentials with what was typed, before anything is saved. */
export function TestStep(props: {
  protocol: Protocol;
  editing: boolean;
  testing: boolean;
  result?: TestResult;
  error?: string;
  onTest(): void;
}) {
  const cloud = props.protocol !== 'rdp';
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {props.editing
          ? 'Tests the host as saved; save first to test changed settings.'
          : 'Tests this host with what you typed; nothing is saved yet.'}{' '}
        Logs on over RDP as the user, and off again.{' '}
        {cloud
          ? 'The cloud check reads the instance with the credentials; RDP answers only while the machine runs, so an RDP failure on a stopped machine is expected.'
          : ''}
      </Text>
      <Group>
        <Button onClick={props.onTest} loading={props.testing}>
          Test connection
        </Button>
      </Group>
      <div aria-live="polite">
        {props.error && (
          <Alert color="red" title="The test could not run" role="alert">
            {props.error}
          </Alert>
        )}
        {props.result && (
          <Stack gap="xs">
            <CheckAlert title="RDP" check={props.result.rdp} testId="test-rdp" />
            <CheckAlert title="Cloud" check={props.result.cloud} testId="test-cloud" />
          </Stack>
        )}
      </div>
    </Stack>
  );
}
