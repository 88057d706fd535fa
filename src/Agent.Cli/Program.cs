using System.CommandLine;
using Agent.Cli;

// After SIGINT or SIGTERM the agent stops by itself, every wait on the broker bounded (a goodbye, the last confirms, the
// close: half a second each). System.CommandLine's default cut-off of 2 s could end that stop early on a busy machine
// with a frozen broker (exit 143, no goodbye, no final counters); the cut-off stays, for a stop that hangs.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) };
return await AgentCommand.Create(TimeProvider.System).Parse(args).InvokeAsync(invocation);
