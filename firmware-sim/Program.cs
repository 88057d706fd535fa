using FirmwareSim;

return await MoteCommand.Create(Console.Out, Console.Error, TimeProvider.System).Parse(args).InvokeAsync();
