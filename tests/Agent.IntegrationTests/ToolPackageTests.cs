namespace Agent.IntegrationTests;

/// <summary>
/// The README's install: <c>dotnet pack</c> makes agent and firmware-sim .NET tools, and <c>dotnet tool install
/// --add-source</c> installs them as commands that run. One test (a pack takes seconds), from the build test.sh made.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agent-tool-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static string RepoRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(directory.FullName, "Agent.sln"))) directory = directory.Parent!;
            return directory.FullName;
        }
    }

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    [Fact]
    public async Task Both_pack_as_tools_that_install_and_run()
    {
        var artifacts = Path.Combine(_directory.FullName, "artifacts");
        var tools = Path.Combine(_directory.FullName, "tools");
        foreach (var (project, id, command) in new[] { ("src/Agent.Cli", "Agent.Cli", "agent"), ("firmware-sim", "Agent.FirmwareSim", "firmware-sim") })
        {
            (await Command.RunAsync("dotnet", ["pack", Path.Combine(RepoRoot, project), "-c", Configuration, "--no-build", "-o", artifacts, "-nologo"],
                TimeSpan.FromMinutes(3))).EnsureSuccess();
            var package = Path.Combine(artifacts, $"{id}.0.1.0.nupkg");
            Assert.True(File.Exists(package), $"no {package}");
            using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
            {
                var settings = zip.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
                using var reader = new StreamReader(settings.Open());
                Assert.Contains($"<Command Name=\"{command}\" EntryPoint=\"{command}.dll\"", await reader.ReadToEndAsync());
            }

            (await Command.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", artifacts, id, "--version", "0.1.0"],
                TimeSpan.FromMinutes(3))).EnsureSuccess();
            var version = (await Command.RunAsync(Path.Combine(tools, command), ["--version"], TimeSpan.FromSeconds(30))).EnsureSuccess();
            Assert.StartsWith("0.1.0", version.StandardOutput.Trim());
        }
    }
}
