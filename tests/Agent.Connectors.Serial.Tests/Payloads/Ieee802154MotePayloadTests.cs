using Agent.Connectors.Serial.Payloads;
using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Tests.Payloads;

public sealed class Ieee802154MotePayloadTests
{
    [Fact]
    public void Every_frame_goes_up_with_its_wire_bytes()
    {
        var link = new RecordingLink();
        new Ieee802154MotePayload(127).FromMote([0x41, 0xd8, 1], [0xc0, 0x41, 0xd8, 1, 0xc0], link);
        var (data, wire) = link.Up.Single();
        Assert.Equal([0x41, 0xd8, 1], data);
        Assert.Equal([0xc0, 0x41, 0xd8, 1, 0xc0], wire);
    }

    [Fact]
    public void Downlink_frames_longer_than_an_802154_frame_are_refused()
    {
        var payload = new Ieee802154MotePayload(127);
        Assert.True(payload.CheckDownlink(new byte[127]) is null);
        Assert.Equal(DropReason.Oversize, payload.CheckDownlink(new byte[128])?.Reason);
    }
}
