namespace AiOs.Host.Hosting;

/// <summary>Runs the service and turns a failed start into one readable line and exit code 1.</summary>
public static class AiOsApplicationExtensions
{
    /// <summary>Runs until stopped. Returns the process exit code.</summary>
    public static async Task<int> RunAiOsAsync(this WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (Exception exception)
        {
            // A bad setting or an unreachable database: the log has the details, the operator needs the reason.
            await Console.Error.WriteLineAsync($"AiOs could not start: {exception.Message}");
            return 1;
        }

        await app.WaitForShutdownAsync();
        return 0;
    }
}
