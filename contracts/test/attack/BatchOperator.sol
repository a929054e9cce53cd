// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title BatchOperator
/// @notice An operator contract making several calls to the executor in one transaction, to
///         prove that each `execute` starts from a clean state left by the one before.
contract BatchOperator {
    /// @notice Calls `target` with each of `calls` in order; bubbles the first revert.
    function run(address target, bytes[] calldata calls) external {
        for (uint256 k; k < calls.length; ++k) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = target.call(calls[k]);
            if (!ok) {
                // solhint-disable-next-line no-inline-assembly
                assembly ("memory-safe") {
                    revert(add(ret, 0x20), mload(ret))
                }
            }
        }
    }
}
