using System.CommandLine;

namespace AiOs.Cli.Commands;

/// <summary>The paging options of a list command, and the hint that tells how to get the next page.</summary>
internal sealed class Paging
{
    public Option<int> PageSize { get; } = new("--page-size") { Description = "At most this many per page (default: the server's)" };

    public Option<string?> PageToken { get; } = new("--page-token") { Description = "Continue from a previous page (its next page token)" };

    public void AddTo(Command command)
    {
        command.Options.Add(PageSize);
        command.Options.Add(PageToken);
    }

    /// <summary>Tells people how to continue (scripts find next_page_token in the JSON).</summary>
    public static void SayNext(CommandRunner runner, string nextPageToken)
    {
        if (nextPageToken.Length > 0 && !runner.Context.JsonOutput)
        {
            runner.Context.Say($"more: --page-token {nextPageToken}");
        }
    }
}
