/** The workflow a "Run a sub-workflow" step runs (`workflowId` of logic.subflow): chosen by name, among those other workflows can call. */
import { WorkflowPicker } from '../workflows/WorkflowPicker.tsx';
import { FieldFrame, type FieldProps } from './fields.tsx';
import { fieldId, pathKey, useFormContext } from './form-context.ts';

export function SubflowWorkflowField(props: FieldProps) {
  const form = useFormContext();
  const id = fieldId(form.nodeId, props.path);
  const invalid = (form.issues[pathKey(props.path)] ?? []).length > 0;
  return (
    <FieldFrame {...props}>
      <WorkflowPicker
        id={id}
        value={typeof props.value === 'string' ? props.value : undefined}
        onChange={props.onChange}
        trigger="trigger.subflow"
        self={form.preview.workflowId}
        selfAllowed={false}
        disabled={form.readOnly}
        describedBy={`${id}-help${invalid ? ` ${id}-error` : ''}`}
        invalid={invalid}
        testId={`workflow-${props.name}`}
      />
    </FieldFrame>
  );
}
