using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace AiOs.Connectors.Smtp;

/// <summary>One SMTP conversation (RFC 5321) over TCP, with STARTTLS or implicit TLS (RFC 3207) and AUTH PLAIN/LOGIN
/// (RFC 4954). Written here because MailKit is not in the package registry and System.Net.Mail cannot tell whether the
/// end of the message data was sent, which decides between "not delivered" and "outcome unknown".</summary>
internal sealed class SmtpSession : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private StreamReader _reader;

    private SmtpSession(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
        _reader = NewReader(stream);
    }

    /// <summary>True once the final "." of the message data has been written: from then on the server may have accepted it.</summary>
    public bool DataSent { get; private set; }

    public IReadOnlySet<string> Extensions { get; private set; } = new HashSet<string>();

    public static async Task<SmtpSession> ConnectAsync(string host, int port, SmtpTls tls, CancellationToken ct)
    {
        var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host, port, ct).ConfigureAwait(false);
            Stream stream = tcp.GetStream();
            if (tls == SmtpTls.Implicit)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct).ConfigureAwait(false);
                stream = ssl;
            }

            return new SmtpSession(tcp, stream);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async Task GreetAsync(string heloName, SmtpTls tls, string host, CancellationToken ct)
    {
        Expect("greeting", await ReadReplyAsync(ct).ConfigureAwait(false));
        await EhloAsync(heloName, ct).ConfigureAwait(false);
        if (tls != SmtpTls.StartTls)
        {
            return;
        }

        if (!Extensions.Contains("STARTTLS"))
        {
            throw new SmtpConfigurationException($"the server at {host} does not offer STARTTLS; set Tls to Implicit for port 465, or None only for a trusted relay");
        }

        Expect("STARTTLS", await CommandAsync("STARTTLS", ct).ConfigureAwait(false));
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, ct).ConfigureAwait(false);
        _stream = ssl;
        _reader = NewReader(ssl);
        await EhloAsync(heloName, ct).ConfigureAwait(false);
    }

    // The reply to AUTH is never quoted with what was sent; the caller redacts the reply text too.
    public async Task AuthenticateAsync(string username, string password, CancellationToken ct)
    {
        var mechanisms = Extensions.Where(e => e.StartsWith("AUTH ", StringComparison.Ordinal)).SelectMany(e => e[5..].Split(' ')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        SmtpReply reply;
        if (mechanisms.Contains("PLAIN"))
        {
            reply = await CommandAsync("AUTH PLAIN " + Base64($"\0{username}\0{password}"), ct).ConfigureAwait(false);
        }
        else if (mechanisms.Contains("LOGIN"))
        {
            Expect("AUTH LOGIN", await CommandAsync("AUTH LOGIN", ct).ConfigureAwait(false));
            Expect("AUTH LOGIN", await CommandAsync(Base64(username), ct).ConfigureAwait(false));
            reply = await CommandAsync(Base64(password), ct).ConfigureAwait(false);
        }
        else
        {
            throw new SmtpConfigurationException("credentials are configured but the server offers no AUTH PLAIN or LOGIN (over this connection)");
        }

        Expect("authentication", reply);
    }

    public async Task SendAsync(string from, IReadOnlyList<string> recipients, string message, CancellationToken ct)
    {
        Expect("MAIL FROM", await CommandAsync($"MAIL FROM:<{from}>" + (Extensions.Contains("8BITMIME") ? " BODY=8BITMIME" : ""), ct).ConfigureAwait(false));
        foreach (var recipient in recipients)
        {
            Expect($"RCPT TO <{recipient}>", await CommandAsync($"RCPT TO:<{recipient}>", ct).ConfigureAwait(false));
        }

        Expect("DATA", await CommandAsync("DATA", ct).ConfigureAwait(false));
        var data = new StringBuilder(message.Length + 64);
        foreach (var line in message.Split("\r\n"))
        {
            // Dot-stuffing (RFC 5321 4.5.2): a line that starts with "." gets another, so it cannot end the data.
            data.Append(line.StartsWith('.') ? "." : "").Append(line).Append("\r\n");
        }

        await _stream.WriteAsync(Encoding.UTF8.GetBytes(data.ToString()), ct).ConfigureAwait(false);
        DataSent = true;
        await WriteLineAsync(".", ct).ConfigureAwait(false);
        Expect("end of data", await ReadReplyAsync(ct).ConfigureAwait(false));
    }

    public async Task QuitAsync(CancellationToken ct)
    {
        try
        {
            await CommandAsync("QUIT", ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The message is settled; a server that hangs up without answering QUIT changes nothing.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _reader.Dispose();
        _tcp.Dispose();
    }

    private async Task EhloAsync(string heloName, CancellationToken ct)
    {
        var reply = await CommandAsync($"EHLO {heloName}", ct).ConfigureAwait(false);
        Expect("EHLO", reply);
        Extensions = reply.Text.Split('\n').Skip(1).Select(l => l.Trim().ToUpperInvariant()).ToHashSet();
    }

    private async Task<SmtpReply> CommandAsync(string line, CancellationToken ct)
    {
        await WriteLineAsync(line, ct).ConfigureAwait(false);
        return await ReadReplyAsync(ct).ConfigureAwait(false);
    }

    private async Task WriteLineAsync(string line, CancellationToken ct) =>
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), ct).ConfigureAwait(false);

    private async Task<SmtpReply> ReadReplyAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(ct).ConfigureAwait(false)
                ?? throw new IOException("the server closed the connection");
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                throw new IOException($"the server sent a malformed reply line '{Shorten(line)}'");
            }

            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] != '-')
            {
                return new SmtpReply(code, string.Join('\n', lines));
            }
        }
    }

    private static void Expect(string stage, SmtpReply reply)
    {
        if (!reply.IsPositive)
        {
            throw new SmtpReplyException(stage, reply with { Text = Shorten(reply.Text) });
        }
    }

    private static StreamReader NewReader(Stream stream) => new(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 1024, leaveOpen: true);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300];
}

/// <summary>The connector's settings do not fit the server (not transient: retrying will not help).</summary>
internal sealed class SmtpConfigurationException(string message) : Exception(message);
