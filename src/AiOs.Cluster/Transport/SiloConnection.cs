using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;
using AiOs.Runtime;
using AiOs.Runtime.Messaging;

namespace AiOs.Cluster.Transport;

/// <summary>One silo's stream of calls to another: a long-lived HTTP/2 request whose body carries call frames and whose
/// response carries their outcomes, multiplexed by call id. When the stream breaks, calls still queued are routed
/// again (they never left), and calls already written fail as unavailable, since they may or may not have run. Calls are
/// written only once the peer has answered the stream (see <see cref="FrameStreamContent"/>).</summary>
internal sealed class SiloConnection : IAsyncDisposable
{
    private readonly Channel<OutgoingFrame> _outgoing = Channel.CreateUnbounded<OutgoingFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly ClusterTransport _transport;
    private Task _run = Task.CompletedTask;
    private long _nextCallId;
    private volatile bool _broken;

    /// <summary>0 until <see cref="Start"/> has been claimed (by <see cref="ClusterTransport.Connect"/>).</summary>
    internal int Started;

    public SiloConnection(string address, ClusterTransport transport)
    {
        Address = address;
        _transport = transport;
    }

    /// <summary>The peer's address (host:port).</summary>
    public string Address { get; }

    /// <summary>True once the stream has ended; a new connection must be made.</summary>
    public bool IsBroken => _broken;

    /// <summary>Calls sent and not yet answered.</summary>
    public int InFlight => _pending.Count;

    public void Start() => _run = RunAsync();

    /// <summary>Queues a call. False when the connection is broken (the caller routes it again).</summary>
    public bool TrySend(Message message, int partition, TimeSpan remaining)
    {
        if (_broken)
        {
            return false;
        }

        var callId = Interlocked.Increment(ref _nextCallId);
        byte[] frame;
        try
        {
            frame = _transport.Codec.EncodeCall(callId, message, remaining);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            message.Complete(new InvalidOperationException(
                $"{message} cannot be sent to another silo: its arguments could not be serialized ({exception.Message}).", exception));
            return true;
        }

        _pending[callId] = new Pending(message, partition);
        if (!_outgoing.Writer.TryWrite(new OutgoingFrame(callId, frame)))
        {
            _pending.TryRemove(callId, out _);
            return false;
        }

        return true;
    }

    /// <summary>Fails calls that have waited past their deadline plus <paramref name="grace"/> (the remote silo normally
    /// answers a timeout itself, with the wait chain; this covers a silo that cannot answer at all).</summary>
    public void ExpireOverdue(long now, long grace)
    {
        foreach (var (callId, pending) in _pending)
        {
            if (pending.Message.Deadline != Message.NoDeadline && now - pending.Message.Deadline > grace && _pending.TryRemove(callId, out _))
            {
                pending.Message.Complete(new GrainCallTimeoutException(
                    $"Call {pending.Message} forwarded to the silo at {Address} got no answer before its deadline.",
                    [pending.Message.ToString()]));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        await _closed.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _closed.Dispose();
    }

    private async Task RunAsync()
    {
        Exception? failure = null;
        var content = new FrameStreamContent(_outgoing.Reader);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{Address}{ClusterEndpoint.Path}")
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = content,
            };
            request.Headers.Add(ClusterEndpoint.SecretHeader, _transport.Secret);
            request.Headers.Add(ClusterEndpoint.SiloHeader, _transport.LocalSiloId);

            using var response = await _transport.Http.SendAsync(request, _closed.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new UnauthorizedAccessException($"The silo at {Address} refused this silo's cluster secret (AiOs:Cluster:Secret differs).");
            }

            response.EnsureSuccessStatusCode();
            content.Accepted();
            var stream = await response.Content.ReadAsStreamAsync(_closed.Token).ConfigureAwait(false);
            var reader = PipeReader.Create(stream);
            while (true)
            {
                var result = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (Frames.TryRead(ref buffer, out var kind, out var payload))
                {
                    if (kind == FrameKind.Result)
                    {
                        Complete(payload, content);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        // Read before the connection is marked broken: from then on the transport may dispose it (which also cancels
        // _closed), and a lost stream must still be logged.
        var disposing = _closed.IsCancellationRequested;
        _broken = true;
        _outgoing.Writer.TryComplete();
        if (failure is not null && !disposing)
        {
            Log.ConnectionLost(_transport.Logger, Address, failure.Message);
        }

        // Ended normally, the peer (leaving) answered every call it read, so the rest never ran.
        content.End(peerEndedNormally: failure is null);
        FailPending(failure, content);
    }

    private void Complete(System.Buffers.ReadOnlySequence<byte> payload, FrameStreamContent content)
    {
        var (callId, status, error) = _transport.Codec.DecodeOutcome(payload, id => _pending.TryGetValue(id, out var p) ? p.Message.Request : null);
        content.Answered(callId);
        if (!_pending.TryRemove(callId, out var pending))
        {
            return; // expired meanwhile
        }

        if (status == CallStatus.Reroute)
        {
            _transport.Reroute(pending.Message, pending.Partition, Address);
        }
        else
        {
            pending.Message.Complete(error);
        }
    }

    private void FailPending(Exception? failure, FrameStreamContent content)
    {
        foreach (var (callId, pending) in _pending)
        {
            if (!_pending.TryRemove(callId, out _))
            {
                continue;
            }

            if (failure is UnauthorizedAccessException)
            {
                // Routing it again would only meet the same refusal.
                pending.Message.Complete(new SiloUnavailableException($"{pending.Message} did not run: {failure.Message}"));
            }
            else if (content.MayHaveReachedPeer(callId))
            {
                pending.Message.Complete(new SiloUnavailableException(
                    $"The connection to the silo at {Address} broke while {pending.Message} was in flight; the call may or may not have run."));
            }
            else
            {
                // Never reached the peer: it did not run, so it can safely go wherever the partition is now.
                _transport.Reroute(pending.Message, pending.Partition, Address);
            }
        }
    }

    private readonly record struct Pending(Message Message, int Partition);
}
