using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Policies;

/// <summary>Applies the operator's policy file (<see cref="ApprovalOptions.PolicyFile"/>) once the silo has started and
/// again whenever it changes, without a restart. A malformed file is refused as a whole (logged with line and reason,
/// and kept in <see cref="LastError"/>); the policy in force stays.</summary>
public sealed class PolicyFileWatcher(
    IOptions<ApprovalOptions> options,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    ILogger<PolicyFileWatcher> logger) : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FileSystemWatcher? _watcher;
    private CancellationTokenRegistration _started;

    // Notifications counted so far: a read waits for the file to be quiet, so that a save seen as several notifications
    // (truncate, then write) is read once, whole, and a half-written file is never judged.
    private long _changes;

    /// <summary>Why the last change of the file was refused; null after a change was applied.</summary>
    public string? LastError { get; private set; }

    /// <summary>The policy version the file last became.</summary>
    public long? AppliedVersion { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.PolicyFile is not { Length: > 0 } file)
        {
            return Task.CompletedTask;
        }

        var path = Path.GetFullPath(file);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => OnChanged(path);
        _watcher.Created += (_, _) => OnChanged(path);
        _watcher.Renamed += (_, _) => OnChanged(path);

        // Grains answer once the silo has started; the file is read then, and watched from now on.
        _started = lifetime.ApplicationStarted.Register(() => _ = ApplyAsync(path));
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _started.Dispose();
        _watcher?.Dispose();
        _gate.Dispose();
    }

    /// <summary>How long the file must be left alone after a change before it is read.</summary>
    internal static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(250);

    private void OnChanged(string path)
    {
        var change = Interlocked.Increment(ref _changes);
        _ = Task.Delay(SettleTime).ContinueWith(
            _ => change == Interlocked.Read(ref _changes) ? ApplyAsync(path) : Task.CompletedTask,
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default).Unwrap();
    }

    /// <summary>Reads and applies the file now (what a change notification does once the file has settled).</summary>
    public async Task ApplyAsync(string path)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            string document;
            try
            {
                document = await File.ReadAllTextAsync(path).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Mid-write by the editor: the write's own notification comes next.
                return;
            }

            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));
            var snapshot = await grains.GetGrain<IPolicyGrain>(PolicyGrain.Key).Set(document, "file:" + path, fileHash: hash).ConfigureAwait(false);
            (LastError, AppliedVersion) = (null, snapshot.Version);
            Log.PolicyFileApplied(logger, path, snapshot.Version);
        }
        catch (PolicyInvalidException ex)
        {
            LastError = ex.Message;
            Log.PolicyFileRefused(logger, path, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LastError = ex.Message;
            Log.PolicyFileFailed(logger, path, ex);
        }
        finally
        {
            _gate.Release();
        }
    }
}
