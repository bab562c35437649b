/**
 * Ctrl-C during the acceptance run. The terminal sends SIGINT to its whole foreground process
 * group: this process and the `pulumi` child the Automation API spawned (execa, not detached, so
 * in the same group). The child's first SIGINT starts the engine's graceful cancel; a second one
 * makes it terminate at once (pkg/backend/cancellation_scope.go in pulumi/pulumi), which can leave
 * resources created in Azure but missing from the state. So this process never signals the
 * child: the user's first Ctrl-C stops the run (the operation in flight ends by the engine's own
 * cancel; checks and waits end at once) and the cleanup follows; only the user's second Ctrl-C
 * quits, when the child gets the terminal's second SIGINT too.
 *
 * Sources: https://github.com/pulumi/pulumi/blob/master/pkg/backend/cancellation_scope.go (first
 * SIGINT cancels, the next terminates), node_modules/@pulumi/pulumi/automation/cmd.js (an aborted
 * `signal` makes the Automation API send the child SIGINT itself: never given one here).
 */

/** What the run is told of Ctrl-C. */
export interface CtrlC {
  /** Aborted at the user's first Ctrl-C: the run stops and cleans up. */
  signal: AbortSignal;
  /** Stops listening (tests). */
  dispose(): void;
}

/** What happens at each Ctrl-C besides the abort: messages, and quitting at the second. */
export interface CtrlCHandlers {
  /** The first: the run stops, then cleans up. */
  first(): void;
  /** The second: quit (the child is terminated by the terminal's SIGINT itself). */
  second(): void;
}

/** Listens for SIGINT on `proc` (the process): the first aborts {@link CtrlC.signal}, the second calls `second`. Sends no signal to anyone. */
export function onCtrlC(proc: Pick<NodeJS.Process, "on" | "off">, handlers: CtrlCHandlers): CtrlC {
  const controller = new AbortController();
  let count = 0;
  const listener = () => {
    count++;
    if (count === 1) {
      handlers.first();
      controller.abort();
    } else handlers.second();
  };
  proc.on("SIGINT", listener);
  return { signal: controller.signal, dispose: () => void proc.off("SIGINT", listener) };
}
