package dev.headwise.model;

import dev.headwise.HeadwiseException;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/** Device names as users type them: {@code cpu}, {@code cuda}, {@code cuda:N}. */
public final class Devices {
    private Devices() {}

    public static Device parse(String spec) {
        String s = spec == null ? "cpu" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) return new Device("cpu");
        if (!s.matches("cuda(:\\d{1,2})?")) {
            throw new HeadwiseException("unknown device '" + spec + "'; use cpu, cuda or cuda:N.");
        }
        if (!torch.cuda_is_available()) {
            throw new HeadwiseException("device " + spec + " was asked for, but CUDA is not available"
                    + " (this build has CPU natives only, or no GPU/driver is present; see `headwise info`).");
        }
        int index = s.contains(":") ? Integer.parseInt(s.substring(5)) : 0;
        int count = torch.cuda_device_count();
        if (index >= count) {
            throw new HeadwiseException("device " + spec + " does not exist; " + count + " CUDA device(s) found.");
        }
        return new Device(torch.DeviceType.CUDA, (byte) index);
    }
}
