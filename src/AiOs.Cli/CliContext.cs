using Google.Protobuf;
using Spectre.Console;

namespace AiOs.Cli;

/// <summary>Where the CLI writes (standard output for results, standard error for errors) and how: a table for people,
/// or JSON (<c>--output json</c>) for scripts.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, Func<string, string?> environment)
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatDefaultValues(true));

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public Func<string, string?> Environment { get; } = environment;

    public bool JsonOutput { get; set; }

    /// <summary>Writes <paramref name="message"/> as JSON, or as the table <paramref name="table"/> builds.</summary>
    public void Write(IMessage message, Action<Table> table)
    {
        if (JsonOutput)
        {
            Output.WriteLine(Json.Format(message));
            return;
        }

        var rendered = new Table().Border(TableBorder.Simple);
        table(rendered);
        Console().Write(rendered);
    }

    /// <summary>Writes one message as a single line of JSON (for streams: one event per line).</summary>
    public void WriteLine(IMessage message) => Output.WriteLine(JsonFormatter.Default.Format(message));

    /// <summary>Writes a line for people (also in JSON mode it goes to standard error, so that standard output stays JSON).</summary>
    public void Say(string text) => (JsonOutput ? Error : Output).WriteLine(text);

    private IAnsiConsole Console()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Wide enough that ids, addresses and keys stay on one line (they are copied from here); a terminal wider than
        // that gets its own width.
        console.Profile.Width = System.Console.IsOutputRedirected ? 200 : Math.Max(System.Console.WindowWidth, 160);
        return console;
    }
}
