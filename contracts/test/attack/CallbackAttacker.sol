// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAaveV3Pool} from "../../interfaces/external/IAaveV3Pool.sol";
import {IBalancerVault} from "../../interfaces/external/IBalancerVault.sol";
import {IUniswapV3Pool} from "../../interfaces/external/IUniswapV3Pool.sol";

/// @title CallbackAttacker
/// @notice Starts loans that name a victim as the receiver, and calls a victim's callbacks
///         pretending to be a pool, to prove the victim refuses all of it.
contract CallbackAttacker {
    /// @notice Borrows from Aave with `victim` as receiver: Aave will call the victim with this contract as initiator.
    function aaveLoanTo(IAaveV3Pool pool, address victim, address asset, uint256 amount, bytes calldata params)
        external
    {
        pool.flashLoanSimple(victim, asset, amount, params, 0);
    }

    /// @notice Borrows from Balancer with `victim` as recipient: the Vault will call the victim.
    function balancerLoanTo(IBalancerVault vault, address victim, address token, uint256 amount, bytes calldata data)
        external
    {
        address[] memory tokens = new address[](1);
        tokens[0] = token;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = amount;
        vault.flashLoan(victim, tokens, amounts, data);
    }

    /// @notice Calls a real V3 pool's flash with `victim` as recipient: the pool will call the victim back.
    function uniswapV3FlashTo(IUniswapV3Pool pool, address victim, uint256 amount0, bytes calldata data) external {
        pool.flash(victim, amount0, 0, data);
    }

    /// @notice Calls `victim` with arbitrary data, as a fake pool would (for example uniswapV3SwapCallback).
    function poke(address victim, bytes calldata data) external {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = victim.call(data);
        if (!ok) {
            // Bubble the victim's revert so the test sees its custom error.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
