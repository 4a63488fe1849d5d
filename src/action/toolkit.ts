import * as core from '@actions/core';

export interface AnnotationProperties {
  title: string;
  file: string;
  startLine: number;
}

/**
 * The part of @actions/core the action uses, so that tests run the action in-process with a
 * fake and read what it logged, annotated, output and summarised.
 */
export interface ActionToolkit {
  info(message: string): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  notice(message: string): void;
  startGroup(title: string): void;
  endGroup(): void;
  setSecret(value: string): void;
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  /** Appends to the job summary ($GITHUB_STEP_SUMMARY); nothing when the runner gives none. */
  appendSummary(markdown: string): Promise<void>;
}

export function actionsToolkit(env: Readonly<Record<string, string | undefined>>): ActionToolkit {
  return {
    info: (m) => core.info(m),
    warning: (m, p) => core.warning(m, p),
    error: (m, p) => core.error(m, p),
    notice: (m) => core.notice(m),
    startGroup: (t) => core.startGroup(t),
    endGroup: () => core.endGroup(),
    setSecret: (v) => core.setSecret(v),
    setOutput: (n, v) => core.setOutput(n, v),
    setFailed: (m) => core.setFailed(m),
    appendSummary: async (markdown) => {
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
    },
  };
}
