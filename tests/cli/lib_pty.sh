# SPDX-License-Identifier: Apache-2.0
# Sourced by the progress-line tests (tests/cli/progress.sh,
# tests/cluster/tool_progress_put_get.sh).
ESC=$'\033'
EL="${ESC}[K"  # erase to the end of the line

# pty CMD: runs the shell command CMD with stdin, stdout and stderr on a pseudo-terminal
# (script(1)); what it prints there (only stderr: the commands write their data to files)
# ends up in tty.txt. Sets RC.
pty() {
  set +e
  script -qfec "$1" /dev/null < /dev/null > tty.txt
  RC=$?
  set -e
}
