using System.Text;

namespace AiOs.Runtime.Messaging;

/// <summary>Explains why a call missed its deadline: the chain of calls waiting on each other, from the outermost to the
/// one that could not run, and what blocked that one. For a deadlock (A -> B -> A on a non-reentrant A) the chain
/// names the cycle.</summary>
internal static class WaitChain
{
    public static GrainCallTimeoutException TimeoutOf(Message message, TimeSpan timeout)
    {
        var chain = new List<Message>();
        for (var caller = message.Caller; caller is not null; caller = caller.Caller)
        {
            chain.Add(caller);
        }

        chain.Reverse();
        chain.Add(message);

        // Follow the calls the timed-out request is itself waiting on, down to one that never started.
        var last = message;
        for (var guard = 0; guard < 64 && last.Started && last.FirstPendingCall() is { } next; guard++)
        {
            chain.Add(next);
            last = next;
        }

        var remote = chain[0].RemoteChain ?? [];
        var names = remote.Select(f => f.ToString()).Concat(chain.Select(m => m.ToString())).ToList();
        var text = new StringBuilder()
            .Append("Call ").Append(message).Append(" did not complete within ").Append(Format(timeout)).Append(". ")
            .Append("Wait chain: ").Append(string.Join(" -> ", names)).Append('.');

        if (!last.Started && last.Activation?.DescribeBlockers() is { } blockers)
        {
            text.Append(' ').Append(last).Append(" could not start: ").Append(blockers).Append('.');
        }

        if (remote.Select(f => f.Grain).Concat(chain.Select(m => m.Target)).GroupBy(g => g).Any(g => g.Count() > 1) && !last.Started)
        {
            text.Append(" This is a deadlock: a grain that is not reentrant was called back while it waited. Mark the grain class ")
                .Append("[Reentrant] or [AllowCallChainReentrancy], or the method [AlwaysInterleave], or break the cycle.");
        }

        return new GrainCallTimeoutException(text.ToString(), names);
    }

    private static string Format(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1 ? $"{timeout.TotalSeconds:0.###} s" : $"{timeout.TotalMilliseconds:0} ms";
}
