using System.Diagnostics;
using System.Text.Json;

namespace AiOs.Api.Interop.Tests;

/// <summary>Runs a scenario of node/interop.js (a real @grpc/grpc-js client) and returns the JSON line it prints.</summary>
internal static class NodeClient
{
    private static readonly SemaphoreSlim InstallOnce = new(1, 1);
    private static bool s_installed;

    public static string Directory => Path.Combine(RepositoryRoot(), "tests", "AiOs.Api.Interop.Tests", "node");

    public static async Task<JsonElement> RunAsync(string scenario, IReadOnlyDictionary<string, string> environment)
    {
        await EnsureInstalledAsync();
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Directory };
        info.ArgumentList.Add("interop.js");
        info.ArgumentList.Add(scenario);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node interop.js {scenario} exited with {process.ExitCode}: {await error}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }

    // The packages come from the npm registry through the project's script (the same one scripts/test.sh runs).
    private static async Task EnsureInstalledAsync()
    {
        await InstallOnce.WaitAsync();
        try
        {
            if (s_installed)
            {
                return;
            }

            var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("source \"$0/scripts/lib/node.sh\" && aios_npm_install \"$1\"");
            info.ArgumentList.Add(RepositoryRoot());
            info.ArgumentList.Add(Directory);
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"installing the Node packages failed: {await error}");
            s_installed = true;
        }
        finally
        {
            InstallOnce.Release();
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AiOs.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (AiOs.Orleans.sln) is not above " + AppContext.BaseDirectory);
    }
}
