using System.Globalization;
using AiOs.Benchmarks.Harness;
using BenchmarkDotNet.Running;

// "harness [seconds]" runs the latency harness (throughput, p50, p99 beside each floor); anything else goes to
// BenchmarkDotNet (e.g. --filter *InSiloCall*).
if (args.Length > 0 && args[0] == "harness")
{
    var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
    var scenarios = args.Length > 2 ? args[2].Split(',') : ["calls", "state"];
    await HarnessReport.RunAsync(TimeSpan.FromSeconds(seconds), scenarios);
    return 0;
}

// "profile <file.nettrace> [top]" summarizes the CPU samples of a trace (benchmarks/README.md, "Where a goal's time goes").
if (args.Length > 1 && args[0] == "profile")
{
    TraceProfile.Print(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
