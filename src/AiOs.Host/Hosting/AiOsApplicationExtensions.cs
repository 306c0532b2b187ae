using Microsoft.Extensions.Options;

namespace AiOs.Host.Hosting;

/// <summary>Runs the service and turns a failed start into one readable line and exit code 1.</summary>
public static class AiOsApplicationExtensions
{
    /// <summary>Runs until stopped. Returns the process exit code.</summary>
    public static async Task<int> RunAiOsAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception exception) when (exception is OptionsValidationException or StorageUnavailableException or IOException)
        {
            await Console.Error.WriteLineAsync($"AiOs could not start: {exception.Message}");
            return 1;
        }
    }
}
