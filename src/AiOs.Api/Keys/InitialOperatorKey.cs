using AiOs.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Api.Keys;

/// <summary>At the first start of the service (no key ever generated in this database), generates an operator key,
/// prints it once to standard output and writes it to <c>operator.key</c> in the data directory, readable only by the
/// service's user. Of several silos starting at once on one database, exactly one does (the store decides).</summary>
public sealed class InitialOperatorKey(IApiKeyStore store, IOptions<ApiServerOptions> options, TimeProvider time, ILogger<InitialOperatorKey> logger)
{
    /// <summary>The file name in the data directory.</summary>
    public const string FileName = "operator.key";

    /// <summary>What <c>created_by</c> says of the key.</summary>
    public const string CreatedBy = "first start";

    /// <summary>Generates, stores and shows the key unless one was generated before. Returns the file written, or null.</summary>
    public async Task<string?> EnsureAsync(TextWriter console, CancellationToken cancellationToken)
    {
        var (keyId, key, hash) = ApiKeySecret.Generate();
        var stored = new StoredApiKey(keyId, "operator (generated at first start)", ApiKeyScopes.Operator, hash, time.GetUtcNow(), CreatedBy);
        if (!await store.TryInsertInitialAsync(stored, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var directory = options.Value.DataDirectory;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        // A file left by an earlier database is replaced, not rewritten: its permissions may be wider than ours.
        File.Delete(path);
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Created with owner-only permissions: the key is never readable by others, not even for a moment.
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new FileStream(path, fileOptions);
        await using (file.ConfigureAwait(false))
        {
            var writer = new StreamWriter(file);
            await using (writer.ConfigureAwait(false))
            {
                await writer.WriteLineAsync(key).ConfigureAwait(false);
            }
        }

        await console.WriteLineAsync("First start: generated an operator API key. It is shown once; a copy is in " + path).ConfigureAwait(false);
        await console.WriteLineAsync("  " + key).ConfigureAwait(false);
        await console.FlushAsync(cancellationToken).ConfigureAwait(false);
        Log.InitialKeyGenerated(logger, keyId, path);
        return path;
    }
}
