using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace AiOs.Testing;

/// <summary>A real process of a program under test (the service, a silo): started with its own environment, its output
/// captured line by line, stopped with a signal or killed outright.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ITestOutputHelper? _output;
    private readonly string _name;

    private ServiceProcess(Process process, string name, ITestOutputHelper? output)
    {
        _process = process;
        _name = name;
        _output = output;
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Everything the process wrote so far (stdout and stderr), one entry per line.</summary>
    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>dotnet <paramref name="assemblyPath"/></c> with <paramref name="environment"/> added to (or, for a
    /// null value, removed from) the inherited environment.</summary>
    public static ServiceProcess Start(string assemblyPath, IReadOnlyDictionary<string, string?> environment, ITestOutputHelper? output = null, string? name = null, params string[] arguments) =>
        StartCommand("dotnet", [assemblyPath, .. arguments], Path.GetDirectoryName(assemblyPath)!, environment, output, name ?? Path.GetFileNameWithoutExtension(assemblyPath));

    /// <summary>Starts <paramref name="file"/> (e.g. a container's entrypoint script, which execs the service) with
    /// <paramref name="environment"/> added to (or, for a null value, removed from) the inherited environment.</summary>
    public static ServiceProcess StartCommand(string file, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment, ITestOutputHelper? output, string name)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Child processes must not pick up the test runner's own settings.
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, name, output);
        process.OutputDataReceived += (_, e) => service.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => service.Capture(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits until a line matches <paramref name="pattern"/> and returns the match; fails if the process exits first.</summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        Match? found = null;
        await Eventually.WaitUntilAsync(
            () =>
            {
                found = _lines.Select(l => regex.Match(l)).FirstOrDefault(m => m.Success);
                if (found is null && _process.HasExited)
                {
                    throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode} before printing /{pattern}/. Output:\n{Output}");
                }

                return found is not null;
            },
            $"{_name} printed /{pattern}/",
            timeout ?? TimeSpan.FromSeconds(60));
        return found!;
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} did not exit in time. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (what Kubernetes and systemd send), asking for a graceful stop.</summary>
    public void Terminate() => Signal(15);

    /// <summary>Sends SIGSTOP: the process freezes, holding its sockets, as a paused VM would.</summary>
    public void Freeze() => Signal(19);

    /// <summary>Sends SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Signal(18);

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private void Signal(int signal)
    {
        if (!_process.HasExited && SysKill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        try
        {
            _output?.WriteLine($"[{_name}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test finished; its output is closed.
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
