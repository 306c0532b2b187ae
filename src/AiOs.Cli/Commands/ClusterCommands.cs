using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios cluster status</c>: silos, partitions and activations.</summary>
internal static class ClusterCommands
{
    public static Command Create(CommandRunner runner)
    {
        var status = new Command("status", "Silos, partitions and activations");
        runner.SetAction(status, async (_, client, ct) =>
        {
            var cluster = await client.GetClusterStatusAsync(new Client.CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(cluster, table =>
            {
                table.AddColumns("silo", "status", "api", "partitions", "activations", "storage");
                foreach (var silo in cluster.Silos)
                {
                    table.AddRow(silo.SiloId, silo.Status.ToString(), silo.ApiAddress,
                        silo.PartitionsOwned.ToString(CultureInfo.InvariantCulture), silo.Activations.ToString(CultureInfo.InvariantCulture), silo.Storage);
                }

                table.Caption($"{cluster.PartitionsOwned}/{cluster.PartitionCount} partitions owned, {cluster.Activations} activations");
            });
            return ExitCodes.Ok;
        });

        var command = new Command("cluster", "The cluster");
        command.Subcommands.Add(status);
        return command;
    }
}
