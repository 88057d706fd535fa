namespace FirmwareSim.Tests;

/// <summary>Keeps the timed OpenWSN end-to-end tests away from the parallel ones (xunit runs it afterwards, alone).</summary>
[CollectionDefinition(nameof(OpenWsnEndToEndTests), DisableParallelization = true)]
public sealed class OpenWsnEndToEndCollection;
