using System.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace AiOs.Deploy.Tests;

/// <summary>The repository's overlays rendered by <c>kubectl kustomize</c>, as YAML text and as plain objects.</summary>
public static class Manifests
{
    public static readonly TheoryData<string> Overlays = new("dev", "prod");

    public static string RepositoryRoot { get; } = FindRoot();

    public static string Render(string overlay) =>
        Run("kubectl", ["kustomize", Path.Combine(RepositoryRoot, "k8s", "overlays", overlay)]).Output;

    public static List<Dictionary<object, object>> Objects(string overlay)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(Render(overlay)));
        parser.Consume<StreamStart>();
        var objects = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            objects.Add(deserializer.Deserialize<Dictionary<object, object>>(parser));
        }

        return objects;
    }

    public static Dictionary<object, object> Single(string overlay, string kind, string name) =>
        Objects(overlay).Single(o => (string)o["kind"] == kind && (string)Map(o, "metadata")["name"] == name);

    public static Dictionary<object, object> Map(object node, params string[] path)
    {
        foreach (var key in path)
        {
            node = ((Dictionary<object, object>)node)[key];
        }

        return (Dictionary<object, object>)node;
    }

    public static List<object> List(object node, params string[] path)
    {
        var parent = Map(node, path[..^1]);
        return (List<object>)parent[path[^1]];
    }

    public static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, string? stdin = null, bool check = true)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}{output}");
        }

        return (process.ExitCode, output + error.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AiOs.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (AiOs.Orleans.sln) not found above " + AppContext.BaseDirectory);
    }
}
