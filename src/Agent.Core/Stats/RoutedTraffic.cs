namespace Agent.Core.Stats;

/// <summary>What a router did with one agent's packets: received from it, copies forwarded to the others (summed), dropped.</summary>
public sealed record RoutedTraffic(long Received, long Forwarded, long Dropped);
