using Agent.Cli;

return await AgentCommand.Create(TimeProvider.System).Parse(args).InvokeAsync();
