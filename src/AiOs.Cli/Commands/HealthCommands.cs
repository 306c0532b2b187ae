using System.CommandLine;
using AiOs.Api.V1;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios health</c>: whether the silo serves (needs no key). Exit code 5 when it does not.</summary>
internal static class HealthCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("health", "Whether the service is up (no key needed)");
        runner.SetAction(command, async (_, client, ct) =>
        {
            var health = await client.GetHealthAsync(new Client.CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            var serving = health.Status == ServingStatus.Serving;
            runner.Context.Write(health, t => t.AddColumn("status").AddRow(serving ? "serving" : "not serving"));
            return serving ? ExitCodes.Ok : ExitCodes.Unavailable;
        });
        return command;
    }
}
