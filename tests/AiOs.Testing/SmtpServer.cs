using System.Diagnostics;
using System.Text;

namespace AiOs.Testing;

/// <summary>A real SMTP server (aiosmtpd, started with Debian's python3 as scripts/lib/smtp.sh installs it) on a free
/// loopback port, capturing accepted messages to a directory. One per test class.</summary>
public sealed class SmtpServer : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("aios-smtp");
    private Process? _process;

    /// <summary>When positive, the server holds the Nth recipient command it gets (counting from 1) without an answer until
    /// the client goes away: a sender killed then has not delivered that message.</summary>
    public int HoldAt { get; init; }

    public int Port { get; } = LoopbackPorts.Free();

    public async ValueTask InitializeAsync()
    {
        var python = Environment.GetEnvironmentVariable("AIOS_TEST_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smtp_capture.py"));
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(_directory.Path);
        start.ArgumentList.Add(HoldAt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
        var ready = _process.StandardOutput.ReadLineAsync();
        var line = await Eventually.WithinAsync(ready, "the SMTP server (aiosmtpd) prints READY");
        if (line != "READY")
        {
            var error = await _process.StandardError.ReadToEndAsync();
            throw new InvalidOperationException($"aiosmtpd did not start (is python3-aiosmtpd installed? scripts/lib/smtp.sh installs it): {error}");
        }
    }

    /// <summary>Whether the server holds the recipient command it was told to hold (<see cref="HoldAt"/>).</summary>
    public bool Holding => File.Exists(Path.Combine(_directory.Path, "held"));

    /// <summary>The messages accepted so far, in order, as raw text.</summary>
    public IReadOnlyList<string> Messages() =>
        [.. Directory.GetFiles(_directory.Path, "*.eml").Order(StringComparer.Ordinal).Select(f => File.ReadAllText(f, Encoding.UTF8))];

    /// <summary>The messages that were sent to <paramref name="address"/>.</summary>
    public IReadOnlyList<ReceivedMail> MessagesTo(string address) =>
        [.. Messages().Select(ReceivedMail.Parse).Where(m => m.Header("To")?.Contains(address, StringComparison.OrdinalIgnoreCase) == true)];

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _directory.Dispose();
    }
}

/// <summary>A received message: its headers and its decoded text body.</summary>
public sealed record ReceivedMail(IReadOnlyList<(string Name, string Value)> Headers, string Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static ReceivedMail Parse(string raw)
    {
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = raw[..split].Split("\r\n").Select(l => (l[..l.IndexOf(':', StringComparison.Ordinal)], l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
        var body = raw[(split + 4)..];
        var encoding = headers.FirstOrDefault(h => h.Item1.Equals("Content-Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).Item2;
        var text = string.Equals(encoding, "base64", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(body.Replace("\r\n", "", StringComparison.Ordinal)))
            : body;
        return new ReceivedMail(headers, text);
    }
}
