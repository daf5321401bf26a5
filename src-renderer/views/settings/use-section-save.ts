import { useState } from 'react';
import type { SettingsPatch, SettingsReply } from '../../../src-main/api/config-schemas.js';
import { useApi } from '../../api/ApiProvider.js';
import { errorIssues, errorText } from '../../lib/errors.js';
import type { FieldErrors } from '../../lib/validation.js';

/** Saves one settings section through updateSettings; the API's field issues come back per field. */
export function useSectionSave(onSaved: (settings: SettingsReply) => void) {
  const api = useApi();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [apiErrors, setApiErrors] = useState<FieldErrors>({});

  const save = async (patch: SettingsPatch) => {
    setSaving(true);
    setProblem(undefined);
    setSaved(false);
    setApiErrors({});
    try {
      onSaved(await api.updateSettings(patch));
      setSaved(true);
    } catch (error) {
      setProblem(errorText(error));
      setApiErrors(Object.fromEntries(errorIssues(error).map((issue) => [issue.path, issue.message])));
    } finally {
      setSaving(false);
    }
  };
  return { save, saving, problem, saved, apiErrors };
}
