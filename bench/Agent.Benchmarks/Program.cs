using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Agent.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
