using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AiOs.Api.Tests.Contract;

/// <summary>The compiled aios.v1 descriptors must equal the checked-in snapshot, so that any wire change (a renamed field,
/// a new number, a changed access class) is deliberate. To accept a change, run the test with
/// AIOS_UPDATE_CONTRACT_SNAPSHOT=1 set and commit the rewritten Contract/aios.v1.descriptors.json.</summary>
public sealed class DescriptorSnapshotTests
{
    private const string SnapshotName = "aios.v1.descriptors.json";

    [Fact]
    public void CompiledContract_EqualsTheSnapshot()
    {
        var actual = Render();
        if (Environment.GetEnvironmentVariable("AIOS_UPDATE_CONTRACT_SNAPSHOT") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "Contract", SnapshotName), actual);
        }

        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Contract", SnapshotName));
        Assert.Equal(expected.ReplaceLineEndings("\n"), actual);
    }

    // One JSON object per file, in a fixed order; source locations are not part of the contract and are dropped.
    private static string Render()
    {
        var formatter = new JsonFormatter(JsonFormatter.Settings.Default.WithIndentation());
        var text = new System.Text.StringBuilder();
        foreach (var file in ApiContract.Files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var proto = FileDescriptorProto.Parser.ParseFrom(file.SerializedData);
            proto.SourceCodeInfo = null;
            text.Append(formatter.Format(proto)).Append('\n');
        }

        return text.ToString();
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(Path.GetDirectoryName(path))!;
}
